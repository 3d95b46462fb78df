#!/usr/bin/env bash
# make bench-asid: what two Linux VMs time-sharing one CPU cost the real TLB.
# Two 64 MiB Linux guests (tmpfs-test: boot, files in tmpfs, a CPU loop,
# power off) pinned to CPU 0 of a 1-CPU machine, counted by the insncount
# plugin (mode=inline, exact) under -icount shift=0,sleep=off. Prints the
# instructions executed, the real TLB flushes and the real TLB exceptions
# taken from the guests (TLBL + TLBS + Mod, from the exit report), each
# also per million instructions, and the ASID counts when the monitor has
# them. Writes the table to stdout and $OUT (default build/bench-asid.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

PLUGIN=$PWD/build/insncount.so
OUT=${OUT:-build/bench-asid.txt}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for vm in linux1 linux2; do
	printf '[vm %s]\nkernel = vmlinux\nmemory = 64M\ncpus = 0\ncmdline = console=ttyS0 panic=1 disco.run=tmpfs-test\n' \
		"$vm"
done > "$tmp/vms.conf"
tools/mkbundle.sh "$tmp/vms.conf" "$tmp/bundle.cpio" build/linux/guest > /dev/null
timeout -s KILL 1200 tools/qemu-malta.sh -icount shift=0,sleep=off -smp 1 -m 256M \
	-kernel build/disco.elf -initrd "$tmp/bundle.cpio" \
	-plugin "$PLUGIN,out=$tmp/count.txt,mode=inline" < /dev/null 2>&1 | tr -d '\r' > "$tmp/run.log" || true
cp "$tmp/run.log" build/bench-asid.log
for vm in linux1 linux2; do
	grep -q "^\[$vm\] tmpfs-test: cpu loop done" "$tmp/run.log" &&
		grep -q "^disco: vm $vm: powered off (exit status 0)" "$tmp/run.log" ||
		{ echo "bench-asid: $vm did not finish cleanly, see build/bench-asid.log" >&2; exit 1; }
done

insns=$(awk '$1 == "total" { print $3 }' "$tmp/count.txt")
# exit-report counters: KEY=N words summed over both VMs' report lines
sum_key() {
	grep -E '^disco: vm linux[12]: ' "$tmp/run.log" | tr ' ' '\n' |
		awk -F= -v k="$1" '$1 == k { s += $2 } END { print s + 0 }'
}
cpu_key() {
	grep -E '^disco: cpu 0: real TLB: ' "$tmp/run.log" | tr ' ' '\n' |
		awk -F= -v k="$1" '$1 == k { s += $2 } END { print s + 0 }'
}
refills=$(( $(sum_key tlbl) + $(sum_key tlbs) + $(sum_key mod) ))
flushes=$(cpu_key flushes)
per_m() { awk -v n="$1" -v i="$insns" 'BEGIN { printf "%.2f", n * 1e6 / i }'; }
{
	echo "# make bench-asid ($(date -u +%Y-%m-%d), $(git rev-parse --short HEAD)): two Linux VMs (tmpfs-test) on one CPU"
	echo
	echo "| instructions | real TLB flushes | per M insns | real TLB exceptions from guests | per M insns | window fills | mapped fills | ASID generations | real ASIDs handed out |"
	echo "|---|---|---|---|---|---|---|---|---|"
	echo "| $insns | $flushes | $(per_m "$flushes") | $refills | $(per_m "$refills") | $(sum_key window-fills) | $(sum_key mapped-fills) | $(cpu_key generations) | $(cpu_key asids) |"
} | tee "$OUT"
