#!/usr/bin/env bash
# make bench-memory: the machine memory N Linux VMs of one kernel hold once
# each has booted to its busybox shell, for N = 1, 2, 4 and 8 (docs/memory.md).
# Each run boots the monitor with N VMs of VM_MEM each (the guest kernel
# from make linux, its built-in initramfs), waits for every shell's prompt,
# then asks the monitor's prompt for `mem`: per VM its private and shared
# pages; in all, the VMs' private pages and the image cache's (the one
# shared copy of the kernel). "held" is what the machine gave the VMs:
# private + image cache. "unshared" is what the same pages would take with
# no sharing (every VM's private + shared), and "configured" the VMs' size.
#
# Options (environment): COUNTS="1 2 4 8", VM_MEM=128 (MiB; the admission
# check reserves all of it: 8 x 128 MiB fits QEMU's -m 2G), CPUS=2,
# APPEND="" (the monitor's command line, e.g. demand_order=N or noshare),
# OUT=build/bench-memory (.md, .json, .csv, .png are written; each run's
# console in $OUT-N.log).
# ORDERS="0 2 4 ..." instead boots one VM per demand-zero chunk order
# (demand_order=K) and writes $OUT-orders.csv: pages held and the real TLB
# fills of the boot (window fills: the kernel's direct map; mapped fills).
set -euo pipefail
cd "$(dirname "$0")/.."

COUNTS=${COUNTS:-1 2 4 8}
VM_MEM=${VM_MEM:-128}
CPUS=${CPUS:-2}
APPEND=${APPEND:-}
OUT=${OUT:-build/bench-memory}
QEMU_MEM=2G
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run N: boots N VMs to their shells; the mem lines in $tmp/run-N.log
run() {
	local n=$1 dir=$tmp/bundle-$1 log=$tmp/run-$1.log fifo=$tmp/in-$1 pid i k
	mkdir -p "$dir"
	for ((k = 1; k <= n; k++)); do
		printf '[vm linux%d]\nkernel = vmlinux\nmemory = %dM\ncmdline = console=ttyS0\n\n' "$k" "$VM_MEM"
	done > "$dir/vms.conf"
	tools/mkbundle.sh "$dir/vms.conf" "$dir/bundle.cpio" build/linux/guest > /dev/null
	mkfifo "$fifo"
	timeout -s KILL 1800 tools/qemu-malta.sh -smp "$CPUS" -m "$QEMU_MEM" \
		-kernel build/disco.elf -initrd "$dir/bundle.cpio" -append "$APPEND" \
		< "$fifo" > "$log" 2>&1 &
	pid=$!
	exec 3> "$fifo"
	for ((i = 0; i < 3600; i++)); do
		[ "$(grep -ac '^\[linux[0-9]*\] / # ' "$log")" -ge "$n" ] && break
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.5
	done
	sleep 2         # the last shell's prompt is out; let the boots settle
	printf '\035:mem\r' >&3
	[ -z "${ORDERS:-}" ] || printf 'stats 1\r' >&3
	for ((i = 0; i < 100; i++)); do
		grep -aq '^disco: mem node 0:' "$log" && break
		sleep 0.2
	done
	(printf 'poweroff\r' >&3) 2> /dev/null || true
	wait "$pid" || true
	exec 3>&-
	tr -d '\r' < "$log" > "$OUT-$n.log"     # kept: the mem lines and the boots
	if ! grep -aq '^disco: mem node 0:' "$log"; then
		echo "bench-memory: the run with $n VMs did not reach the prompt; see $OUT-$n.log" >&2
		exit 1
	fi
}

mkdir -p "$(dirname "$OUT")"
if [ -n "${ORDERS:-}" ]; then
	echo "demand_order,vm_mib,private_pages,cache_pages,window_fills,mapped_fills" > "$OUT-orders.csv"
	base=$APPEND
	for k in $ORDERS; do
		echo "bench-memory: one VM of $VM_MEM MiB, demand_order=$k" >&2
		APPEND="$base demand_order=$k"
		run 1
		sleep 1
		tr -d '\r' < "$tmp/run-1.log" | awk -v k="$k" -v mib="$VM_MEM" '
			/^disco: mem: VMs. private / { priv = $5; cache = $9 }
			/^disco: vm linux1: hypercalls=/ {
				for (i = 1; i <= NF; i++) {
					split($i, kv, "=")
					if (kv[1] == "window-fills") w = kv[2]
					if (kv[1] == "mapped-fills") m = kv[2]
				}
			}
			END { printf "%d,%d,%d,%d,%d,%d\n", k, mib, priv, cache, w, m }' >> "$OUT-orders.csv"
		rm -rf "$tmp/bundle-1" "$tmp/in-1"
	done
	column -s, -t < "$OUT-orders.csv"
	exit 0
fi
echo "vms,vm_mib,private_pages,cache_pages,shared_mapped_pages,held_mib,unshared_mib,configured_mib" > "$OUT.csv"
for n in $COUNTS; do
	echo "bench-memory: $n VM(s) of $VM_MEM MiB booting to their shells" >&2
	run "$n"
	tr -d '\r' < "$tmp/run-$n.log" | awk -v n="$n" -v mib="$VM_MEM" '
		/^disco: mem linux[0-9]*: / {
			for (i = 1; i <= NF; i++) {
				if ($i == "private") p += $(i + 1) + 0
				if ($i == "shared") s += $(i + 1) + 0
			}
		}
		/^disco: mem: VMs. private / { priv = $5; cache = $9 }
		END {
			printf "%d,%d,%d,%d,%d,%.1f,%.1f,%d\n", n, mib, priv, cache, s,
				(priv + cache) / 256, (p + s) / 256, n * mib
		}' >> "$OUT.csv"
done

# Debian's python3 (with python3-matplotlib), not one first on a user's PATH
PYTHON=$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)
"$PYTHON" - "$OUT" <<'PY'
import csv, json, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(out + ".csv")))
json.dump(rows, open(out + ".json", "w"), indent=1)
md = ["| VMs | configured (MiB) | private (MiB) | shared kernel copy (MiB) | held (MiB) | held per VM (MiB) | without sharing (MiB) |",
      "|---:|---:|---:|---:|---:|---:|---:|"]
for r in rows:
    n = int(r["vms"])
    md.append("| %d | %s | %.1f | %.1f | %s | %.1f | %s |" % (
        n, r["configured_mib"], int(r["private_pages"]) / 256, int(r["cache_pages"]) / 256,
        r["held_mib"], float(r["held_mib"]) / n, r["unshared_mib"]))
open(out + ".md", "w").write("\n".join(md) + "\n")
print("\n".join(md))
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("bench-memory: no matplotlib (python3-matplotlib): no PNG", file=sys.stderr)
    sys.exit(0)
n = [int(r["vms"]) for r in rows]
fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
ax.plot(n, [int(r["configured_mib"]) for r in rows], "o:", label="configured")
ax.plot(n, [float(r["unshared_mib"]) for r in rows], "s--", label="held without sharing")
ax.plot(n, [float(r["held_mib"]) for r in rows], "^-", label="held (demand-zero + shared kernel)")
ax.set_xlabel("Linux VMs booted to a shell (%s MiB each)" % rows[0]["vm_mib"])
ax.set_ylabel("machine memory (MiB)")
ax.set_xticks(n)
ax.grid(alpha=0.3)
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(out + ".png")
print("bench-memory: wrote %s.{md,json,csv,png}" % out, file=sys.stderr)
PY
