#!/usr/bin/env bash
# make bench-traps: the cost in instructions of each privileged operation
# and of a reflected exception, natively and virtualized. The trapbench
# guest (guest-images/trapbench) runs ITERS iterations of each operation
# between calls to bench_point; the insncount plugin (exact mode, -icount
# shift=0,sleep=off) snapshots its counters there. Per operation: (loop's
# instructions - empty loop's) / ITERS, summed over all regions, with the
# monitor's share shown. Writes the table to stdout and build/bench-traps.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

PLUGIN=$PWD/build/insncount.so
ITERS=2000                      # as in trapbench.S
OUT=build/bench-traps.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mark_of() { echo "0x$(nm "$1" | awk '$3 == "bench_point" { print $1 }')"; }

# counts FILE KEY: KEY's value at every mark snapshot, one per line
counts() {
	awk -v k="$2" '$1 == "mark" { for (j = 1; j < NF; j++) if ($j == k) print $(j + 1) }' "$1"
}

native=build/guest-images/trapbench-bare.elf
guest=build/guest-images/trapbench.elf
timeout -s KILL 120 tools/qemu-malta.sh -semihosting \
	-icount shift=0,sleep=off -m 128M -kernel "$native" \
	-plugin "$PLUGIN,out=$tmp/native.txt,mark=$(mark_of "$native")" < /dev/null > "$tmp/native.log" 2>&1 ||
	{ echo "bench-traps: the native run failed" >&2; cat "$tmp/native.log" >&2; exit 1; }
printf '[vm trapbench]\nkernel = trapbench.elf\nmemory = 16M\n' > "$tmp/vms.conf"
tools/mkbundle.sh "$tmp/vms.conf" "$tmp/bundle.cpio" build/guest-images
timeout -s KILL 300 tools/qemu-malta.sh \
	-icount shift=0,sleep=off -smp 1 -m 128M -kernel build/disco.elf -initrd "$tmp/bundle.cpio" \
	-plugin "$PLUGIN,out=$tmp/virt.txt,mark=$(mark_of "$guest")" \
	< /dev/null > "$tmp/virt.log" 2>&1 ||
	{ echo "bench-traps: the virtualized run failed" >&2; cat "$tmp/virt.log" >&2; exit 1; }
grep -q "vm trapbench: powered off (exit status 0)" "$tmp/virt.log" ||
	{ echo "bench-traps: the guest did not finish cleanly" >&2; cat "$tmp/virt.log" >&2; exit 1; }

mapfile -t n_all < <(counts "$tmp/native.txt" all)
mapfile -t v_all < <(counts "$tmp/virt.txt" all)
mapfile -t v_mon < <(counts "$tmp/virt.txt" monitor)
[ "${#n_all[@]}" -eq 10 ] && [ "${#v_all[@]}" -eq 10 ] ||
	{ echo "bench-traps: want 10 marks, got ${#n_all[@]} native and ${#v_all[@]} virtualized" >&2; exit 1; }

names=("empty loop" "mfc0 Status" "mtc0 Status" "tlbwr" \
	"eret (with dmtc0 EPC, mtc0 Status)" "syscall reflected to the guest's vector (+ mfc0, dmtc0, eret there)" \
	"hypercall (timer frequency)" "(set-up, not reported)" \
	"TLB refill of a pair the TLB lost (in a VM: an l2tlb hit, the fast path)")
per() { echo $(( ($2 - $1) / ITERS )); }
{
	echo "# make bench-traps ($(date -u +%Y-%m-%d), QEMU $(tools/qemu-malta.sh --version | head -n 1 | awk '{print $4}'), -icount shift=0,sleep=off, $ITERS iterations each)"
	echo
	echo "| operation (one loop iteration, loop overhead removed) | native | virtualized | of which monitor | ratio |"
	echo "|---|---|---|---|---|"
	n0=$(per "${n_all[0]}" "${n_all[1]}"); v0=$(per "${v_all[0]}" "${v_all[1]}")
	echo "| ${names[0]} (the overhead removed below) | $n0 | $v0 | 0 | 1.00 |"
	for k in 1 2 3 4 5 6 8; do
		n=$(( $(per "${n_all[k]}" "${n_all[k + 1]}") - n0 ))
		v=$(( $(per "${v_all[k]}" "${v_all[k + 1]}") - v0 ))
		m=$(per "${v_mon[k]}" "${v_mon[k + 1]}")
		if [ "$k" -eq 6 ]; then
			echo "| ${names[k]} | - | $v | $m | - |"
		else
			echo "| ${names[k]} | $n | $v | $m | $(awk -v v="$v" -v n="$n" 'BEGIN { printf "%.0f", v / n }') |"
		fi
	done
} | tee "$OUT"
